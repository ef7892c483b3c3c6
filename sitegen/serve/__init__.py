"""The live-reload preview: the HTTP server, the file watcher and the rebuild loop."""
