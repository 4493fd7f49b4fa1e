/* Minimal stock-SQLCipher reader: reader <db> <hexkey> <sql> — prints rows tab-separated. */
#include <stdio.h>
#include "sqlite3.h"
static int row(void *u, int n, char **v, char **c) { for (int i = 0; i < n; i++) printf("%s%s", i ? "\t" : "", v[i] ? v[i] : "NULL"); printf("\n"); return 0; }
int main(int argc, char **argv) {
  sqlite3 *db; char *err = 0; char pragma[200];
  if (argc != 4) return 2;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, 0)) { fprintf(stderr, "open: %s\n", sqlite3_errmsg(db)); return 1; }
  snprintf(pragma, sizeof pragma, "PRAGMA key = \"x'%s'\";", argv[2]);
  if (sqlite3_exec(db, pragma, 0, 0, &err)) { fprintf(stderr, "key: %s\n", err); return 1; }
  if (sqlite3_exec(db, argv[3], row, 0, &err)) { fprintf(stderr, "sql: %s\n", err); return 1; }
  sqlite3_close(db); return 0;
}
