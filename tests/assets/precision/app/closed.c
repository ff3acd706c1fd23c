/*
 * This software is licensed under a commercial license agreement.
 * Unauthorized copying is prohibited.
 */
int closed(void) { return 1; }
