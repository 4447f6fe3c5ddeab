"""Bridge maps that need heavy libraries (torch): the residual MLP."""
