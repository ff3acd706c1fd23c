/* Ring buffer helpers: the producer index always runs ahead of the consumer. */

unsigned int ring_space(unsigned int prod, unsigned int cons, unsigned int size)
{
    return size - (prod - cons);
}
