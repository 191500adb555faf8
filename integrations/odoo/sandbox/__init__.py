"""An Odoo 18 sandbox: an XML-RPC server that is never more forgiving than Odoo.

Standard library only. See server.SandboxServer and control.Control.
"""

from .server import SandboxServer, serve

__all__ = ["SandboxServer", "serve"]
