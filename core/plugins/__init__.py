"""Authority plugins: the hooks they implement, and the registry that loads them."""
