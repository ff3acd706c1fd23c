/*
 * Event channel plumbing.
 *
 * This file is licensed under the terms in the file COPYING in this directory.
 */

int evtchn;
