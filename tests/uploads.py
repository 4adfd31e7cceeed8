"""Files as a browser uploads them, for the attachment tests, and where the storage put them."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

# The first bytes of a PNG picture and of a Windows program.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
PROGRAM = b"MZ\x90\x00" + b"\x00" * 60


def upload(name: str = "screenshot.png", content: bytes = PNG, content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    """Every file under the storage's folder."""
    return sorted(path for path in root.rglob("*") if path.is_file())
