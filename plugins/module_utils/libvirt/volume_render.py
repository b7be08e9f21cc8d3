# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt ``<volume>`` XML for a VM disk, built with lxml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import etree

GIB = 1024 ** 3


def volume_xml(disk):
    """XML for ``disk`` (a vm_spec.DiskSpec): thin-provisioned, ``size_gib`` of capacity."""
    root = etree.Element('volume')
    etree.SubElement(root, 'name').text = disk.volume
    capacity = etree.SubElement(root, 'capacity', unit='bytes')
    capacity.text = str(int(disk.size_gib * GIB))
    etree.SubElement(root, 'allocation', unit='bytes').text = '0'
    target = etree.SubElement(root, 'target')
    etree.SubElement(target, 'format', type=disk.format)
    return etree.tostring(root, encoding='unicode')
