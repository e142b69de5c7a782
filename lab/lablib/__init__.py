"""vmigrate lab: simulators of the vSphere and OpenStack APIs (test equipment only)."""
