"""lrviz: backpropagation made visible on y_hat = w*x + b."""

__version__ = "0.1.0"
