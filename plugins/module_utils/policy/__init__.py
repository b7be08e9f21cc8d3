# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The DHCP-aware choice of where a VM NIC attaches: the provisioner (MAAS) model with its free IPv4
space, MAAS-style interface constraints, and the attachment policy that ranks libvirt networks,
host bridges and macvlan parents. Pure: shared by the modules and the filters."""
