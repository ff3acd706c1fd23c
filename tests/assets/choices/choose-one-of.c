/*
 * You can choose any one of those:
 *
 * The MIT License (MIT):
 *
 * link:http://opensource.org/licenses/MIT
 *
 * LGPL:
 * http://www.gnu.org/licenses/lgpl.html
 */

int z;
