# Build rules for the camera capture test on the kernel's vivid virtual camera (included by the top
# Makefile). The program runs inside a qemu VM (tests/gpio-vm/run-vm.sh with HAAZRI_VM_VIVID=1, whose
# kernel has vivid); it links only what it uses (GLib, libjpeg, libpng) to keep the VM's copy small.
#   make camera-vm-test    build it, the vivid kernel if not cached (once: 27 min measured on the shared 2-core machine), and run it
CAMERA_VM_TEST := $(BUILD)/tests/camera-vm/test-camera-vm
CAMERA_VM_LIBS  = $(shell pkg-config --libs glib-2.0 libjpeg libpng)

$(CAMERA_VM_TEST): $(BUILD)/obj/tests/camera-vm/test-camera-vm.o $(BUILD)/libhaazri.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CAMERA_VM_LIBS)

all: $(CAMERA_VM_TEST)

.PHONY: camera-vm-test
camera-vm-test: $(CAMERA_VM_TEST)
	HAAZRI_CAMERA_VM=1 ./tests/test-camera-vm.sh
-include $(BUILD)/obj/tests/camera-vm/test-camera-vm.d
