"""Test suite for lrviz."""
