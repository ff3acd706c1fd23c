int dual(void) { return 3; }
