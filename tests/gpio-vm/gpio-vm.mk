# Build rules for the LED driver's test on a real kernel GPIO chip (included by the top Makefile).
# The program runs inside a qemu VM (tests/gpio-vm/run-vm.sh), which copies it in with the shared
# libraries ldd lists; it links only what it uses (GLib, libgpiod) to keep that set small.
#   make $(BUILD)/tests/gpio-vm/test-leds-vm     build it
#   make gpio-vm-test                            build it, the kernel if not cached, and run it in the VM
GPIO_VM_TEST := $(BUILD)/tests/gpio-vm/test-leds-vm
GPIO_VM_LIBS  = $(shell pkg-config --libs glib-2.0 libgpiod)

$(GPIO_VM_TEST): $(BUILD)/obj/tests/gpio-vm/test-leds-vm.o $(BUILD)/libhaazri.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(GPIO_VM_LIBS)

# Built with everything else, so a compile error shows up in `make all` rather than only in the VM run.
all: $(GPIO_VM_TEST)

.PHONY: gpio-vm-test
gpio-vm-test: $(GPIO_VM_TEST)
	./tests/gpio-vm/run-vm.sh --names led-green,led-red,led-amber,buzzer -- $(GPIO_VM_TEST)
-include $(BUILD)/obj/tests/gpio-vm/test-leds-vm.d
