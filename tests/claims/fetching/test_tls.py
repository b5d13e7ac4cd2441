"""HTTPS: the fetcher connects to the checked address yet verifies the certificate of the name."""

from __future__ import annotations

import ssl
import subprocess

import pytest

from claims.fetching import FetchConfig, FetchError, fetch
from tests.sites import LocalSite


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A throwaway CA and certificates for news.test and other.test."""
    d = tmp_path_factory.mktemp("pki")
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        cwd=d,
    )
    for name in ("news.test", "other.test"):
        (d / f"{name}.ext").write_text(f"subjectAltName=DNS:{name}\n")
        openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
            "-subj",
            f"/CN={name}",
            cwd=d,
        )
        openssl(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            f"{name}.pem",
            "-days",
            "2",
            "-extfile",
            f"{name}.ext",
            cwd=d,
        )
    return d


def tls_site(pki, name, seen_names):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki / f"{name}.pem", pki / f"{name}.key")
    context.sni_callback = lambda sock, server_name, ctx: seen_names.append(server_name)
    site = LocalSite("127.0.0.2", tls=context)
    site.page("/", "<p>secure</p>")
    return site


def test_https_sends_the_host_name_as_sni_and_verifies_its_certificate(
    pki, stub_resolver, connections
):
    seen = []
    site = tls_site(pki, "news.test", seen)
    try:
        stub_resolver.add("news.test", "127.0.0.2")
        config = FetchConfig.build(
            allowed_networks="127.0.0.2/32",
            allowed_ports=(site.port,),
            resolver=stub_resolver,
            ca_file=str(pki / "ca.pem"),
        )
        result = fetch(f"https://news.test:{site.port}/", config)
    finally:
        site.close()
    assert result.body == b"<p>secure</p>"
    assert seen == ["news.test"]
    assert site.requests[0]["host"] == f"news.test:{site.port}"
    assert {host for host, _ in connections.made} == {"127.0.0.2"}


def test_a_certificate_for_another_name_is_refused(pki, stub_resolver):
    site = tls_site(pki, "other.test", [])
    try:
        stub_resolver.add("news.test", "127.0.0.2")
        config = FetchConfig.build(
            allowed_networks="127.0.0.2/32",
            allowed_ports=(site.port,),
            resolver=stub_resolver,
            ca_file=str(pki / "ca.pem"),
        )
        with pytest.raises(FetchError) as caught:
            fetch(f"https://news.test:{site.port}/", config)
    finally:
        site.close()
    assert caught.value.code == "tls_error"
    assert site.hits == []
