// Command genesis-vectors uses go-ethereum, an implementation independent of ethnet, to check
// ethnet's genesis work:
//
//	genesis-vectors export DIR   writes the mainnet, sepolia, holesky and hoodi genesis files
//	                             exactly as geth embeds them, for ethnet's hash tests
//	genesis-vectors hash FILE    prints the block hash geth computes for a genesis.json
//	                             (and fails where geth rejects the file)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/triedb"
)

func main() {
	if len(os.Args) != 3 {
		fail("usage: genesis-vectors export DIR | hash FILE")
	}
	switch os.Args[1] {
	case "export":
		export(os.Args[2])
	case "hash":
		hash(os.Args[2])
	default:
		fail("unknown command " + os.Args[1])
	}
}

func export(dir string) {
	networks := map[string]*core.Genesis{
		"mainnet": core.DefaultGenesisBlock(),
		"sepolia": core.DefaultSepoliaGenesisBlock(),
		"holesky": core.DefaultHoleskyGenesisBlock(),
		"hoodi":   core.DefaultHoodiGenesisBlock(),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err.Error())
	}
	for name, genesis := range networks {
		data, err := json.Marshal(genesis)
		if err != nil {
			fail(err.Error())
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), data, 0o644); err != nil {
			fail(err.Error())
		}
	}
}

func hash(file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		fail(err.Error())
	}
	genesis := new(core.Genesis)
	if err := json.Unmarshal(data, genesis); err != nil {
		fail("geth rejects the genesis: " + err.Error())
	}
	// Commit into an in-memory database the way `geth init` does, so every check geth runs
	// on a genesis (fork order, blob schedule, system contracts) runs here too.
	db := rawdb.NewMemoryDatabase()
	block, err := genesis.Commit(db, triedb.NewDatabase(db, triedb.HashDefaults))
	if err != nil {
		fail("geth rejects the genesis: " + err.Error())
	}
	if err := genesis.Config.CheckConfigForkOrder(); err != nil {
		fail("geth rejects the fork order: " + err.Error())
	}
	fmt.Println(block.Hash().Hex())
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "genesis-vectors:", msg)
	os.Exit(1)
}
