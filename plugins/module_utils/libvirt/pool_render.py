# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt ``<pool>`` XML for a directory storage pool, built with lxml, and its path read back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import etree, parse_xml


def pool_xml(name, path):
    root = etree.Element('pool', type='dir')
    etree.SubElement(root, 'name').text = name
    target = etree.SubElement(root, 'target')
    etree.SubElement(target, 'path').text = path
    return etree.tostring(root, encoding='unicode')


def pool_path(xml):
    """The target path of a pool definition (None when it has none)."""
    return parse_xml(xml, 'pool').findtext('target/path')
