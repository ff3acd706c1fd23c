# SPDX-License-Identifier: LicenseRef-VMware-Proprietary
# Copyright (c) 2026 VMware, Inc. All rights reserved. VMware Confidential.
"""vpxa: the VirtualCenter host agent."""
