# virtio.mk: unit tests of the split virtqueue logic (kernel/drivers/virtio/ring.c)
# against a fake device written here.
UNIT_TESTS += test_vring
test_vring_SRCS := tests/unit/test_vring.c kernel/drivers/virtio/ring.c

$(BUILD)/unit/test_vring: kernel/drivers/virtio/ring.h
