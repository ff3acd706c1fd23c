/* SPDX-License-Identifier: MIT */
/* jsmn: a minimalistic JSON tokenizer. Copyright (c) 2010 Serge Zaitsev */
#ifndef JSMN_H
#define JSMN_H

typedef enum { JSMN_UNDEFINED = 0, JSMN_OBJECT = 1, JSMN_ARRAY = 2, JSMN_STRING = 3 } jsmntype_t;

typedef struct {
	jsmntype_t type;
	int start;
	int end;
	int size;
} jsmntok_t;

typedef struct {
	unsigned int pos;
	unsigned int toknext;
} jsmn_parser;

void jsmn_init(jsmn_parser *parser);

#endif
