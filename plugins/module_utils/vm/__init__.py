# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A composed VM: its validated spec, the MAC and tap identity of each NIC, and the compose plan
(define, update in place or recreate, start or stop, restart required). Pure."""
