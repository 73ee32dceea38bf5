import { PemBlock } from "./pem-block";

/** How to add a CA certificate to each common trust store, with the downloaded file's own name. */
export function TrustInstructions({ file, derFile, name }: { file: string; derFile: string; name: string }) {
  const steps: { title: string; text: string }[] = [
    { title: "Debian / Ubuntu", text: `sudo cp ${file} /usr/local/share/ca-certificates/${name}.crt\nsudo update-ca-certificates` },
    { title: "RHEL / Fedora / Amazon Linux", text: `sudo cp ${file} /etc/pki/ca-trust/source/anchors/${name}.crt\nsudo update-ca-trust` },
    { title: "macOS", text: `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${file}` },
    {
      title: "Windows (PowerShell as administrator)",
      text: `Import-Certificate -FilePath .\\${derFile} -CertStoreLocation Cert:\\LocalMachine\\Root`,
    },
    { title: "Firefox / NSS (certutil from libnss3-tools)", text: `certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "${name}" -i ${file}` },
    { title: "Java (keytool)", text: `keytool -importcert -noprompt -alias ${name} -file ${file} \\\n  -cacerts -storepass changeit` },
    { title: "Node.js", text: `NODE_EXTRA_CA_CERTS=$PWD/${file} node app.js` },
    { title: "curl (one request)", text: `curl --cacert ${file} https://service.internal/` },
  ];
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {steps.map((s) => (
        <PemBlock key={s.title} title={s.title} text={s.text} />
      ))}
    </div>
  );
}
