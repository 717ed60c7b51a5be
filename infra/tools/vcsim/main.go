// vcsim for the fundament lab: VMware's vCenter simulator (govmomi's simulator package) with the vAPI REST
// endpoints (tagging). govmomi's own vcsim command is a nested module the Go module proxy does not serve, so
// this is the small entry point ci/bootstrap-infra.sh builds instead.
//
// The inventory starts empty (no DC0/H0/VM0 of the default model): `fundament infra sim up` seeds exactly
// what the design says already exists.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator" // registers the /rest (cis tagging) endpoints
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "host:port to serve on (port 0 picks a free one)")
	urlFile := flag.String("url-file", "", "write the SDK URL here once serving (written atomically)")
	flag.Parse()

	model := simulator.VPX()
	model.Datacenter = 0
	model.Portgroup = 0
	model.Host = 0
	model.Cluster = 0
	model.ClusterHost = 0
	model.Datastore = 0
	model.Machine = 0
	if err := model.Create(); err != nil {
		log.Fatalf("vcsim: creating the model: %v", err)
	}
	defer model.Remove()

	model.Service.RegisterEndpoints = true
	model.Service.Listen = &url.URL{Host: *listen}
	server := model.Service.NewServer()
	defer server.Close()

	sdk := *server.URL
	sdk.User = nil
	if *urlFile != "" {
		tmp := *urlFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(sdk.String()+"\n"), 0o600); err != nil {
			log.Fatalf("vcsim: %v", err)
		}
		if err := os.Rename(tmp, *urlFile); err != nil {
			log.Fatalf("vcsim: %v", err)
		}
	}
	fmt.Printf("vcsim serving %s (pid %d)\n", sdk.String(), os.Getpid())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
