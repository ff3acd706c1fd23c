int sub(void) { return 2; }
