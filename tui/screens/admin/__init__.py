"""The secretary's screens (``chuangyou admin``): roster, import, sessions, live attendance, reports."""
