"""TLS to the hub: verify-full by default for any host but this computer; a certificate
for another host name, or from an authority we do not trust, is refused in one line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from coordinator.hub.connect import HubAddress, HubError, connect
from tests.pgserver import PgServer, start_cluster

RIGHT_NAME = "hub.coalition.test"
USER, PASSWORD = "tls_member", "tls-password-1"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _authority(common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _server_cert(ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate,
                 host: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(host)).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgServer, Path,
                                                                          Path]]:
    ca_key, ca = _authority("Coalition test CA")
    cert, key = _server_cert(ca_key, ca, RIGHT_NAME)
    folder = tmp_path_factory.mktemp("tls")
    trusted = folder / "ca.pem"
    trusted.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    _, stranger = _authority("Some other CA")
    untrusted = folder / "other-ca.pem"
    untrusted.write_bytes(stranger.public_bytes(serialization.Encoding.PEM))
    server = start_cluster({"ssl": "on", "ssl_cert_file": "server.crt",
                            "ssl_key_file": "server.key"},
                           {"server.crt": cert, "server.key": key})
    try:
        with server.superuser_conn() as su:
            su.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
        yield server, trusted, untrusted
    finally:
        server.cleanup()


def _address(server: PgServer, host: str, ca: Path) -> HubAddress:
    return HubAddress(host=host, port=server.port, dbname="postgres", user=USER,
                      sslrootcert=str(ca), hostaddr="127.0.0.1")


def test_the_right_host_name_connects_encrypted(tls_server: tuple[PgServer, Path, Path]) -> None:
    server, trusted, _ = tls_server
    address = _address(server, RIGHT_NAME, trusted)
    assert address.effective_sslmode == "verify-full"
    with connect(address, PASSWORD) as conn:
        assert conn.pgconn.ssl_in_use
        assert conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
                            ).fetchone() == (True,)


def test_a_certificate_for_another_host_is_refused(
        tls_server: tuple[PgServer, Path, Path]) -> None:
    server, trusted, _ = tls_server
    with pytest.raises(HubError) as exc:
        connect(_address(server, "hub.elsewhere.test", trusted), PASSWORD)
    assert str(exc.value) == ("TLS: the hub's certificate is for another host than "
                              "hub.elsewhere.test: refusing to connect (check the address, or "
                              "ask the hub's provider).")


def test_a_certificate_from_an_untrusted_authority_is_refused(
        tls_server: tuple[PgServer, Path, Path]) -> None:
    server, _, untrusted = tls_server
    with pytest.raises(HubError) as exc:
        connect(_address(server, RIGHT_NAME, untrusted), PASSWORD)
    assert str(exc.value) == (f"TLS: the hub's certificate could not be verified for "
                              f"{RIGHT_NAME} (SSL error: certificate verify failed).")


def test_the_systems_authorities_are_the_default(
        tls_server: tuple[PgServer, Path, Path], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    server, _, _ = tls_server
    monkeypatch.delenv("PGSSLROOTCERT", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.postgresql/root.crt
    address = HubAddress(host=RIGHT_NAME, port=server.port, dbname="postgres", user=USER,
                         hostaddr="127.0.0.1")
    with pytest.raises(HubError) as exc:  # the test CA is in no system store
        connect(address, PASSWORD)
    assert str(exc.value).startswith("TLS: the hub's certificate could not be verified")


def test_a_hub_without_tls_gets_no_password(pg_server: PgServer,
                                            tls_server: tuple[PgServer, Path, Path]) -> None:
    _, trusted, _ = tls_server
    address = HubAddress(host=RIGHT_NAME, port=pg_server.port, dbname="postgres",
                         user=USER, sslrootcert=str(trusted), hostaddr="127.0.0.1")
    with pytest.raises(HubError) as exc:
        connect(address, PASSWORD)
    assert str(exc.value) == (
        f"TLS: the hub at {RIGHT_NAME}:{pg_server.port} does not offer an encrypted "
        "connection: refusing to send the password in the clear (ask the hub's provider to "
        "enable TLS).")
