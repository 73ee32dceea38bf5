// Verifies a leaf certificate the way a Go TLS peer does: crypto/x509 with a root pool,
// intermediates, a host name and the wanted extended key usage. Used by lib/pki/interop.test.ts.
//
//	verify-chain <root.pem> <intermediates.pem> <leaf.pem> <dns-name|-> <server|client>
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

func pool(path string) *x509.CertPool {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(data) {
		fail(fmt.Errorf("no certificates in %s", path))
	}
	return p
}

func fail(err error) {
	fmt.Println(err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 6 {
		fail(fmt.Errorf("usage: verify-chain root.pem intermediates.pem leaf.pem dns-name|- server|client"))
	}
	data, err := os.ReadFile(os.Args[3])
	if err != nil {
		fail(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		fail(fmt.Errorf("no PEM in %s", os.Args[3]))
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		fail(err)
	}
	usage := x509.ExtKeyUsageServerAuth
	if os.Args[5] == "client" {
		usage = x509.ExtKeyUsageClientAuth
	}
	opts := x509.VerifyOptions{Roots: pool(os.Args[1]), Intermediates: pool(os.Args[2]), KeyUsages: []x509.ExtKeyUsage{usage}}
	if os.Args[4] != "-" {
		opts.DNSName = os.Args[4]
	}
	if _, err := leaf.Verify(opts); err != nil {
		fail(err)
	}
	fmt.Println("ok")
}
