// A CoreDNS with only the plugins the local cluster's Corefile uses (ci/cluster.sh): the
// upstream binary is not reachable here, and the full plugin set costs a much longer build.
package main

import (
	"github.com/coredns/coredns/coremain"

	// The server's execution order comes from CoreDNS's own directive list, not from this
	// import order; importing a plugin only registers it.
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() { coremain.Run() }
