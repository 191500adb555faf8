"""An Odoo sandbox (as 17.0, 18.0 or 19.0: versions.py): an XML-RPC server that is never
more forgiving than Odoo.

Standard library only. See server.SandboxServer and control.Control.
"""

from .server import SandboxServer, serve

__all__ = ["SandboxServer", "serve"]
