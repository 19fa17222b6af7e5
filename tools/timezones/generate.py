#!/usr/bin/env python3
"""Regenerates crates/domain/data/number_timezones.tsv: which time zones a phone number may be
in, by its longest matching E.164 prefix, from libphonenumber's timezone map (Apache-2.0) as the
`phonenumbers` package on PyPI ships it.

    python3 tools/timezones/generate.py            # the newest release
    python3 tools/timezones/generate.py 9.0.43     # a given release
"""
import glob, os, subprocess, sys, tempfile, zipfile

version = sys.argv[1] if len(sys.argv) > 1 else None
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "..", "crates", "domain", "data", "number_timezones.tsv")
with tempfile.TemporaryDirectory() as tmp:
    spec = f"phonenumbers=={version}" if version else "phonenumbers"
    subprocess.run([sys.executable, "-m", "pip", "download", spec, "--no-deps", "-q", "-d", tmp], check=True)
    wheel = glob.glob(os.path.join(tmp, "phonenumbers-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if name.startswith("phonenumbers/tzdata/") or name == "phonenumbers/util.py":
                z.extract(name, tmp)
    open(os.path.join(tmp, "phonenumbers", "__init__.py"), "w").close()
    sys.path.insert(0, tmp)
    from phonenumbers.tzdata import TIMEZONE_DATA
    release = os.path.basename(wheel).split("-")[1]
with open(out, "w") as f:
    f.write(f"# E.164 prefix (digits) -> time zones, '&'-separated. From libphonenumber's timezone map\n")
    f.write(f"# (Apache-2.0, see LICENSE-libphonenumber) via phonenumbers {release}; regenerate with\n")
    f.write("# tools/timezones/generate.py. The longest matching prefix wins.\n")
    for prefix in sorted(TIMEZONE_DATA, key=lambda p: (len(p), p)):
        f.write(f"{prefix}\t{'&'.join(TIMEZONE_DATA[prefix])}\n")
print(f"wrote {len(TIMEZONE_DATA)} prefixes from phonenumbers {release} to {os.path.normpath(out)}")
