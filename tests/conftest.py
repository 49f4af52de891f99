"""The `flexemu` fixtures come from the package's pytest plugin (entry point `flexemu`)."""
