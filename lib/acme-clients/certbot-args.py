"""Parses a certbot command line with certbot's own argument parser (Debian's certbot, run with
/usr/bin/python3) and prints what it understood as JSON; unknown or malformed flags exit 2 with
certbot's usage error. Used by setups.test.ts to check the set-ups users copy."""
import json
import sys

from certbot._internal import cli
from certbot._internal.plugins import disco

ns = cli.prepare_and_parse_args(disco.PluginsRegistry.find_all(), sys.argv[1:])
print(json.dumps({
    "verb": ns.verb,
    "server": ns.server,
    "eab_kid": ns.eab_kid,
    "eab_hmac_key": ns.eab_hmac_key,
    "domains": ns.domains,
    "email": ns.email,
    "tos": ns.tos,
    "authenticator": ns.authenticator,
    "standalone": ns.standalone,
    "manual": ns.manual,
    "pref_challs": ns.pref_challs,
    "deploy_hook": ns.deploy_hook,
}))
