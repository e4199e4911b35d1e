"""A small PKI of the tests' own, made with cryptography: a root CA, a signer certificate it
issues (no intermediate), and a second CA nobody trusts."""

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.UTC)


def _name(common_name, organisation="Cụm thi đua kiểm thử"):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class Holder:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    issuer: Authority

    def pkcs12(self, passphrase=b"mat-khau"):
        encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
        return pkcs12.serialize_key_and_certificates(b"signer", self.key, self.cert, [self.issuer.cert], encryption)

    def pyhanko_signer(self):
        from pyhanko.sign import signers

        return signers.SimpleSigner.load_pkcs12_data(self.pkcs12(), other_certs=[], passphrase=b"mat-khau")


def make_authority(common_name="CA kiểm thử"):
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=30))
        .not_valid_after(NOW + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, cert)


def make_holder(authority, common_name="Nguyễn Văn An", days=365):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(authority.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), critical=False)
        .sign(authority.key, hashes.SHA256())
    )
    return Holder(key, cert, authority)


def sign_elsewhere(data, holder, field_name="Signature1"):
    """`data` signed incrementally with pyHanko, as a USB-token tool would (invisible field)."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data), strict=False),
        signers.PdfSignatureMetadata(field_name=field_name),
        signer=holder.pyhanko_signer(),
        output=out,
    )
    return out.getvalue()


def change_after_signing(data):
    """`data` with an incremental update that rewrites the first page's text (a forged change)."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_ref, _resources = writer.find_page_for_modification(0)
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Da sua) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
