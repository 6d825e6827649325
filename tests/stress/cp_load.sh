#!/bin/sh
# CP under load (tests/sh/cp_load.py): 200 terminals issuing commands at once
# while 100 guests run, 1,000 logons, kill -9 of a VM process and of CP.
exec python3 -c 'import os, sys; sys.path.insert(0, os.environ["SRC"] + "/tests/sh"); import cp_load; cp_load.run(terms=200, guests=100, logons=1000, rounds=20)'
