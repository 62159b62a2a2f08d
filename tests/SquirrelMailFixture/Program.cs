// Placeholder entry point; the fixture is built in its own change.
return 0;
