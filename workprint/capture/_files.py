"""Private files of the agent: its folders (0700), the token file (0600), atomic writes."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from workprint.capture.errors import AgentNotEnrolled, CaptureError, TokenFileInsecure


def private_dir(path: Path) -> Path:
    """Create ``path`` (0700) if needed; refuse one that is a link or owned by someone else."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = path.lstat()
    except OSError as exc:
        raise CaptureError(f"cannot create the folder {path}: {exc.strerror}") from exc
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise CaptureError(f"{path} is not a folder")
    if info.st_uid != os.getuid():
        raise CaptureError(f"{path} belongs to another user")
    if info.st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by its owner only (0600)."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_private(path: Path) -> bytes | None:
    """The bytes of an agent file, or ``None`` when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CaptureError(f"cannot read {path}: {exc.strerror}") from exc


def read_token_file(path: Path) -> str:
    """The device token in ``path``; refuses a file group or others may read or write."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AgentNotEnrolled(
            f"no token file at {path}; run 'workprint agent enroll' first"
        ) from None
    except OSError as exc:
        raise CaptureError(f"cannot read the token file {path}: {exc.strerror}") from exc
    if info.st_mode & 0o077:
        raise TokenFileInsecure(
            f"token file {path} is accessible to group or others "
            f"(mode {stat.S_IMODE(info.st_mode):03o}); run: chmod 600 {path}"
        )
    token = path.read_text(encoding="utf-8", errors="replace").strip()
    if not token or len(token.split()) != 1:
        raise AgentNotEnrolled(f"token file {path} does not hold one token")
    return token
