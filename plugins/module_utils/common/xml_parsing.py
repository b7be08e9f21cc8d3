# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Safe lxml parsing shared by the libvirt XML readers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import

etree, LXML_IMPORT_ERROR = optional_import('lxml.etree')
HAS_LXML = etree is not None


class XmlDocumentError(ValueError):
    """The text is not the XML document we expected."""


def parse_xml(text, root_tag):
    """Parse ``text`` without network access or entity expansion and check its root element."""
    if isinstance(text, str):
        text = text.encode('utf-8')
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    try:
        root = etree.fromstring(text, parser)
    except etree.XMLSyntaxError as exc:
        raise XmlDocumentError('not well-formed XML: %s' % exc)
    if root.tag != root_tag:
        raise XmlDocumentError('expected a <%s> document, got <%s>' % (root_tag, root.tag))
    return root


def to_int(value):
    if value is None:
        return None
    try:
        return int(value, 0) if isinstance(value, str) else int(value)
    except ValueError:
        return None


def pci_address(elem):
    """``0000:03:07.1`` from an ``<address type='pci' .../>`` element, or None."""
    parts = [elem.get(k) for k in ('domain', 'bus', 'slot', 'function')]
    if None in parts:
        return None
    try:
        domain, bus, slot, function = [int(p, 16) for p in parts]
    except ValueError:
        return None
    return '%04x:%02x:%02x.%x' % (domain, bus, slot, function)
