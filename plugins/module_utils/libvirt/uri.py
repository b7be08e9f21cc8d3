# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a libvirt connection URI says about where the daemon is. Pure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlsplit


def is_local_uri(uri):
    """True for a libvirt URI of this host (``qemu:///system``), false for ``qemu+ssh://host/system``."""
    return '//' in uri and uri.split('//', 1)[1].startswith('/')


def uri_host(uri):
    """The host of a remote libvirt URI, with its port when it has one (``kvm01``, ``[2001:db8::5]:2222``)."""
    parts = urlsplit(uri)
    host = parts.hostname or ''
    host = '[%s]' % host if ':' in host else host
    return '%s:%d' % (host, parts.port) if parts.port else host
