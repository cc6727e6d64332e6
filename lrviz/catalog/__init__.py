"""What the app offers to choose from, as tables every layer reads: the optimizers."""
