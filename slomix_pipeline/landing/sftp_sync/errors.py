"""Errors the SFTP mirror raises on purpose; configuration and trust errors are never retried."""

from __future__ import annotations


class SftpError(Exception):
    """Base of every error this module raises on purpose."""


class SftpConfigError(SftpError, ValueError):
    """The SFTP settings are incomplete or invalid; the message names the variable."""


class HostKeyError(SftpError):
    """The server's host key is unknown or differs from known_hosts: refused, never retried."""


class SftpAuthError(SftpError):
    """The server refused our key: a configuration problem, never retried."""


class SftpUnavailable(SftpError):
    """The server could not be reached after every retry."""
