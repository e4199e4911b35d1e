"""What a verification says of the signing time and of revocation, without going online: the time
comes from a timestamp token when the file has one (else it is the signer's tool's word), and
revocation is judged only from the revocation information the file carries."""

import datetime
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from signatures import pdf
from tests.signatures import pki
from tests.signatures.test_pdf_attacks import authority, holder, original, roots, writer  # noqa: F401 (fixtures)


def _asn1(cert):
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def signed(data, holder, **meta):  # noqa: F811 (the fixture's name)
    from pyhanko.sign import signers

    out = io.BytesIO()
    timestamper = meta.pop("timestamper", None)
    signers.sign_pdf(
        writer(data),
        signers.PdfSignatureMetadata(field_name="Sig1", **meta),
        signer=holder.pyhanko_signer(),
        timestamper=timestamper,
        output=out,
    )
    return out.getvalue()


def test_without_a_timestamp_or_revocation_data_the_result_says_so(original, holder, roots):  # noqa: F811
    result = pdf.verify(signed(original, holder), original=original, trust_roots=roots).last
    assert result.valid and not result.timestamped and result.revocation == "not_checked"


def test_a_timestamp_token_gives_the_signing_time(original, holder, roots, authority):  # noqa: F811
    from asn1crypto import keys
    from pyhanko.sign.timestamps import DummyTimeStamper

    key = rsa.generate_private_key(65537, 2048)  # pyHanko's test timestamper signs with RSA only
    cert = (
        x509.CertificateBuilder()
        .subject_name(pki._name("TSA kiểm thử"))
        .issuer_name(authority.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.NOW - datetime.timedelta(days=1))
        .not_valid_after(pki.NOW + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(authority.key, hashes.SHA256())
    )
    stamped_at = datetime.datetime(2026, 1, 5, 8, 30, tzinfo=datetime.UTC)
    timestamper = DummyTimeStamper(
        tsa_cert=_asn1(cert),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[_asn1(authority.cert)],
        fixed_dt=stamped_at,
    )
    result = pdf.verify(signed(original, holder, timestamper=timestamper), original=original, trust_roots=roots).last
    assert result.timestamped and pdf.parse_time(result.signed_at) == stamped_at


def _crl(authority, revoked=()):  # noqa: F811
    from asn1crypto import crl

    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.cert.subject)
        .last_update(pki.NOW - datetime.timedelta(hours=1))
        .next_update(pki.NOW + datetime.timedelta(days=7))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(pki.NOW - datetime.timedelta(hours=1))
            .build()
        )
    return crl.CertificateList.load(
        builder.sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    )


@pytest.mark.parametrize(("revoked", "expected"), [(False, "checked"), (True, "revoked")])
def test_revocation_is_judged_from_the_revocation_data_the_file_carries(
    original,  # noqa: F811
    holder,  # noqa: F811
    roots,  # noqa: F811
    authority,  # noqa: F811
    revoked,
    expected,
):
    from pyhanko_certvalidator import ValidationContext

    # The signing tool embeds its CA's CRL (as tools do for long-term validation).
    context = ValidationContext(
        trust_roots=roots, crls=[_crl(authority, [holder.cert] if revoked else [])], allow_fetching=False
    )
    data = signed(original, holder, embed_validation_info=True, validation_context=context)
    result = pdf.verify(data, original=original, trust_roots=roots).last
    assert result.revocation == expected
    assert result.valid is (not revoked)  # a revoked certificate is never valid, so never official
