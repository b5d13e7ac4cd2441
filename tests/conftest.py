pytest_plugins = ["tests.network"]
