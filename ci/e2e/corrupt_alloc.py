#!/usr/bin/env python3
"""Writes a copy of a genesis.json with one plain account's balance raised by 1 wei (the
genesis-alloc corruption of ci/devnet-e2e.sh, which a node must refuse).

  corrupt_alloc.py GENESIS_JSON OUT
"""
import json, sys
g = json.load(open(sys.argv[1]))
addr = sorted(a for a, v in g["alloc"].items() if "code" not in v)[0]
g["alloc"][addr]["balance"] = hex(int(g["alloc"][addr]["balance"], 0) + 1)
json.dump(g, open(sys.argv[2], "w"))
