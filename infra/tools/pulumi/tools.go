//go:build tools

// The Pulumi CLI is not shipped by the registries reachable here; this module pins it so that
// ci/bootstrap-infra.sh can build it from the Go module proxy.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
