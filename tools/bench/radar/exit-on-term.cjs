// Preloaded (-r) into a server run with --cpu-prof: SIGTERM exits normally, so Node writes the profile.
process.once('SIGTERM', () => process.exit(0));
