#!/bin/sh
# CP under load, short (tests/sh/cp_load.py; make stress runs the long one):
# 20 terminals issuing commands while 3 guests run (2 under the
# sanitizers), 60 logons, kill -9 of a VM process and of CP under that load.
exec python3 -c 'import os, sys; sys.path.insert(0, os.environ["SRC"] + "/tests/sh"); import cp_load; cp_load.run(terms=20, guests=2 if os.environ.get("SANITIZED") == "1" else 3, logons=60, rounds=5)'
