/* SPDX-License-Identifier: MIT */
/* jsmn: a minimalistic JSON tokenizer. Copyright (c) 2010 Serge Zaitsev */
#include "jsmn.h"

void jsmn_init(jsmn_parser *parser)
{
	parser->pos = 0;
	parser->toknext = 0;
}
