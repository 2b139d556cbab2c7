"""The data: the model catalog, capabilities, the parameter table, provider profiles."""
