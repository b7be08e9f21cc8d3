# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared ground for every stage: IP arithmetic over netaddr, safe lxml parsing, the names and limits
that libvirt, iproute2 and MAAS agree on (interface-name length, macvlan and forward modes), the
difference record that modules derive ``changed`` and ``diff`` from, and the garbage-collector pause.
Pure: nothing here imports Ansible or libvirt."""
