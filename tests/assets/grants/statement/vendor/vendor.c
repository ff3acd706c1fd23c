int vendor(void) { return 3; }
